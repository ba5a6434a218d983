export { TutorialRNN } from './tutorial-rnn.js';
